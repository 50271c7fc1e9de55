-- The built-in renderer's one filter: Quarto's `fig-alt` attribute becomes the image's alt
-- text, in HTML and Word (pandoc's `alt`) and in Typst (`image(..., alt: ...)`, which PDF/UA-1
-- requires of every image).
local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function Image(el)
  local alt = el.attributes['fig-alt'] or el.attributes['alt']
  if alt == nil or alt == '' then
    alt = pandoc.utils.stringify(el.caption)
  end
  el.attributes['fig-alt'] = nil
  if FORMAT:match('typst') then
    return pandoc.RawInline('typst', '#image(' .. typst_string(el.src) .. ', alt: '
      .. typst_string(alt) .. ', width: 100%)')
  end
  el.attributes['alt'] = alt
  return el
end

-- Typst reads a list that starts on the same line as its table cell's opening bracket as a
-- one-line list, so the wrapped words of its first item fall out of it; start such cells
-- with an empty content block.
function Table(tbl)
  if not FORMAT:match('typst') then
    return nil
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do
        if cell.contents[1] and cell.contents[1].t == 'BulletList' then
          cell.contents:insert(1, pandoc.RawBlock('typst', '#[]'))
        end
      end
    end
  end
  return tbl
end

-- Run by both renderers (named in _quarto.yml `filters:`), so their Typst is the same.
--
-- A table's caption: Quarto's Typst output drops the caption of a table that has no
-- cross-reference label (it marks every table `typst:no-figure`, quarto-cli issue 10438),
-- while pandoc wraps a captioned table in a figure of its own. Write the same captioned figure
-- for both, around the bare table; HTML and Word keep pandoc's own <caption>.
local function typst_of(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), 'typst'):gsub('%s+$', '')
end

function Table(tbl)
  if not FORMAT:match('typst') then
    return nil
  end
  -- Typst reads a list that starts on the same line as its table cell's opening bracket as a
  -- one-line list, so the wrapped words of its first item fall out of it; start such cells
  -- with an empty content block.
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do
        if cell.contents[1] and cell.contents[1].t == 'BulletList' then
          cell.contents:insert(1, pandoc.RawBlock('typst', '#[]'))
        end
      end
    end
  end
  tbl.classes:insert('typst:no-figure')
  local caption = tbl.caption.long
  if #caption == 0 then
    return tbl
  end
  tbl.caption.long = {}
  return {
    pandoc.RawBlock('typst', '#figure(kind: table, caption: figure.caption(position: top, ['
      .. typst_of(caption) .. ']))['),
    tbl,
    pandoc.RawBlock('typst', ']'),
  }
end

-- Word: pandoc writes an image's description (its alt text) from the image's own words,
-- which are its caption here; Quarto's `fig-alt` belongs there instead (pandoc's HTML and
-- Quarto's Typst read `fig-alt` themselves).
function Image(el)
  local alt = el.attributes['fig-alt']
  if FORMAT:match('docx') and alt ~= nil and alt ~= '' then
    el.caption = pandoc.Inlines(alt)
  end
  return el
end

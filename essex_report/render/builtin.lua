-- The built-in renderer's own filter (Quarto does this itself): Quarto's `fig-alt` attribute
-- becomes the image's alt text, in HTML and Word (pandoc's `alt`) and in Typst
-- (`image(..., alt: ...)`, which PDF/UA-1 requires of every image).
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
      .. typst_string(alt) .. ')')
  end
  el.attributes['alt'] = alt
  return el
end

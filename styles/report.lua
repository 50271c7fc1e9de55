-- Run by both renderers (named in _quarto.yml `filters:`), so their Typst is the same.
--
-- PDF (Typst): tables, a chart's data and the "at a glance" key figures become calls of the
-- functions styles/report.typ defines (report-table, chart-with-data, chart-data,
-- key-figures), with their words written by pandoc's Typst writer, which escapes them. Quarto
-- writes tables and divs differently from pandoc (it drops the caption of a table without a
-- cross-reference label, quarto-cli issue 10438, and wraps divs in blocks), so the filter
-- writes these itself. HTML and Word keep pandoc's own markup.
local function typst_of(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), 'typst'):gsub('%s+$', '')
end

local function raw(text)
  return pandoc.RawBlock('typst', text)
end

-- A bare table (no figure, no caption), for one of report.typ's functions to wrap.
local function bare(tbl)
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
  tbl.caption.long = {}
  return tbl, caption
end

local function report_table(tbl)
  local table, caption = bare(tbl)
  local open = '#report-table['
  if #caption > 0 then
    open = '#report-table(caption: [' .. typst_of(caption) .. '])['
  end
  return { raw(open), table, raw(']') }
end

local function is_raw_html(block, pattern)
  return block.t == 'RawBlock' and block.format == 'html' and block.text:match(pattern)
end

-- A chart's data follows the chart as `<details class="chart-data"><summary>...` holding a
-- table (the HTML's "Data for this chart"): in the PDF, the chart and its data kept together.
local function chart_data(blocks, i)
  local label, tbl, last = nil, nil, nil
  for j = i + 1, #blocks do
    local block = blocks[j]
    if is_raw_html(block, '^%s*</details>') then
      last = j
      break
    elseif block.t == 'Table' then
      tbl = block
    elseif block.t == 'Plain' or block.t == 'Para' then
      local words = block.content:filter(function(el) return el.t ~= 'RawInline' end)
      label = typst_of({ pandoc.Plain(words) })
    end
  end
  if not (tbl and last) then
    return nil
  end
  local table = bare(tbl)
  local head = '#chart-data('
  if label and label ~= '' then
    head = head .. 'label: [' .. label .. ']'
  end
  return { raw(head .. ')['), table, raw(']') }, last
end

local function typst_blocks(blocks)
  local out = pandoc.Blocks({})
  local i = 1
  while i <= #blocks do
    local block = blocks[i]
    local data, last = nil, nil
    if is_raw_html(block, '^%s*<details class="chart%-data">') then
      data, last = chart_data(blocks, i)
    end
    if data then
      local chart = #out > 0 and out:remove(#out) or nil
      out:insert(raw('#chart-with-data(['))
      if chart then
        out:insert(chart)
      end
      out:insert(raw('], ['))
      out:extend(data)
      out:insert(raw('])'))
      i = last + 1
    else
      if block.t == 'Table' then
        out:extend(report_table(block))
      else
        out:insert(block)
      end
      i = i + 1
    end
  end
  return out
end

-- "At a glance": `:::: {.key-figures}` holding `::: {.key-figure}` divs, each a
-- `[14,975]{.number}` and a paragraph with its label, as report.typ's key-figures tiles.
local function key_figures(div)
  local tiles = {}
  for _, figure in ipairs(div.content) do
    if figure.t == 'Div' and figure.classes:includes('key-figure') then
      local number, label = pandoc.Inlines({}), pandoc.Blocks({})
      for _, block in ipairs(figure.content) do
        local span = (block.t == 'Plain' or block.t == 'Para') and block.content[1]
        if #number == 0 and span and span.t == 'Span' and span.classes:includes('number') then
          number = span.content
        else
          label:insert(block)
        end
      end
      local words = pandoc.utils.blocks_to_inlines(label, { pandoc.Space() })
      table.insert(tiles, '([' .. typst_of({ pandoc.Plain(number) }) .. '], ['
        .. typst_of({ pandoc.Plain(words) }) .. '])')
    end
  end
  return raw('#key-figures(\n  ' .. table.concat(tiles, ',\n  ') .. ',\n)')
end

if FORMAT:match('typst') then
  return {
    { Div = function(div)
        if div.classes:includes('key-figures') then
          return key_figures(div)
        elseif div.classes:includes('colophon') then
          return { raw('#colophon['), div, raw(']') }
        end
      end },
    { Blocks = typst_blocks },
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

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
      -- "[over]{.qualifier} 375,000": the word the council prints before the figure
      local qualifier = pandoc.Inlines({})
      if number[1] and number[1].t == 'Span' and number[1].classes:includes('qualifier') then
        qualifier = number:remove(1).content
        while number[1] and number[1].t == 'Space' do
          number:remove(1)
        end
      end
      local words = pandoc.utils.blocks_to_inlines(label, { pandoc.Space() })
      table.insert(tiles, '([' .. typst_of({ pandoc.Plain(qualifier) }) .. '], ['
        .. typst_of({ pandoc.Plain(number) }) .. '], ['
        .. typst_of({ pandoc.Plain(words) }) .. '])')
    end
  end
  return raw('#key-figures(\n  ' .. table.concat(tiles, ',\n  ') .. ',\n)')
end

-- Contact details as links, in every format: an e-mail address (mailto:), a UK telephone
-- number written in groups ("0845 603 2200", tel:) and a web address with a path or "www."
-- ("twitter.com/Essex_CC", https:). The patterns admit only the characters such addresses
-- hold, so no other text of the data becomes a link, and the writers escape what they write.
local TRAILING = '[%.,;:%)]+$'

local function split_trailing(text)
  local tail = text:match(TRAILING) or ''
  return text:sub(1, #text - #tail), tail
end

local function web_target(word)
  if word:match('^[%w%.%_%%%+%-]+@[%w%-]+%.[%w%.%-]*%a%a$') then
    return 'mailto:' .. word
  end
  local host, path = word:match('^([%w%-]+%.[%w%.%-]*%a%a)(/[%w%_%-%./]*)$')
  if host == nil then
    host, path = word:match('^(www%.[%w%-]+%.[%w%.%-]*%a%a)()$'), ''
  end
  if host ~= nil and not host:match('%.%.') then
    return 'https://' .. host .. (path or '')
  end
end

local function is_str(el, pattern)
  return el ~= nil and el.t == 'Str' and el.text:match(pattern) ~= nil
end

local function contact_inlines(inlines)
  local out = pandoc.Inlines({})
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    local linked = false
    if el.t == 'Str' then
      -- a telephone number: 0 and three or four digits, three digits, three or four digits
      if is_str(el, '^0%d%d%d%d?$') and inlines[i + 1] and inlines[i + 1].t == 'Space'
          and is_str(inlines[i + 2], '^%d%d%d$') and inlines[i + 3]
          and inlines[i + 3].t == 'Space' and is_str(inlines[i + 4], '^%d%d%d%d?[%.,;:%)]*$') then
        local last, tail = split_trailing(inlines[i + 4].text)
        local number = el.text .. ' ' .. inlines[i + 2].text .. ' ' .. last
        out:insert(pandoc.Link(number, 'tel:+44' .. (el.text:sub(2) .. inlines[i + 2].text .. last)))
        if tail ~= '' then out:insert(pandoc.Str(tail)) end
        i = i + 5
        linked = true
      else
        local word, tail = split_trailing(el.text)
        local target = web_target(word)
        if target then
          out:insert(pandoc.Link(word, target))
          if tail ~= '' then out:insert(pandoc.Str(tail)) end
          i = i + 1
          linked = true
        end
      end
    end
    if not linked then
      out:insert(el)
      i = i + 1
    end
  end
  return out
end

-- Links are made before anything else, and never inside a link.
local contact_links = {
  traverse = 'topdown',
  Link = function(link) return link, false end,
  Inlines = contact_inlines,
}

local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

-- What only one kind of output shows: `.web-only` (the web page: links to the files published
-- beside it) and `.print-only` (the PDF and Word, read on their own); `.attach` names a file
-- the PDF carries (the register), which the other formats leave out.
local function only(div, printed)
  if div.classes:includes('web-only') and printed then
    return {}
  elseif div.classes:includes('print-only') and not printed then
    return {}
  elseif div.classes:includes('attach') and not FORMAT:match('typst') then
    return {}
  end
end

if FORMAT:match('typst') then
  return {
    contact_links,
    { Div = function(div)
        local gone = only(div, true)
        if gone then
          return gone
        elseif div.classes:includes('key-figures') then
          return key_figures(div)
        elseif div.classes:includes('colophon') then
          return { raw('#colophon['), div, raw(']') }
        elseif div.classes:includes('draft-notice') then
          return { raw('#draft-notice['), div, raw(']') }
        elseif div.classes:includes('attach') then
          -- attached under its own name (figures.csv), read from beside the document
          local path = div.attributes.path
          return raw('#pdf.attach(' .. typst_string(path:match('[^/]+$')) .. ', read('
            .. typst_string(path) .. ', encoding: none), mime-type: "text/csv", '
            .. 'relationship: "supplement", description: '
            .. typst_string(div.attributes.description or '') .. ')')
        end
      end },
    { Blocks = typst_blocks },
    -- A heading marked `.new-page` (an aim of the performance chapter) opens a page.
    { Header = function(h)
        if h.classes:includes('new-page') then
          return { raw('#new-page()'), h }
        end
      end },
  }
end

local function image(el)
  -- Word: pandoc writes an image's description (its alt text) from the image's own words,
  -- which are its caption here; Quarto's `fig-alt` belongs there instead (pandoc's HTML and
  -- Quarto's Typst read `fig-alt` themselves).
  local alt = el.attributes['fig-alt']
  if FORMAT:match('docx') and alt ~= nil and alt ~= '' then
    el.caption = pandoc.Inlines(alt)
  end
  return el
end

-- Word: a chart's caption above it (the Analysis Function's advice, as in the PDF and the
-- web page), in the "Image Caption" style the reference document keeps with what follows.
local function word_figure(fig)
  local caption = pandoc.utils.blocks_to_inlines(fig.caption.long)
  local out = pandoc.Blocks({ pandoc.Div(pandoc.Para(caption), { ['custom-style'] = 'Image Caption' }) })
  out:extend(fig.content)
  return out
end

-- Word: the contents as a list of links to the chapters and their sections, which needs no
-- updating (a contents field stays empty until Word updates it, and asks to).
local function word_contents(doc)
  local chapters = pandoc.List({})
  local depth = tonumber(pandoc.utils.stringify(doc.meta['toc-depth'] or '2')) or 2
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Header' and block.level <= depth and block.identifier ~= '' then
      local link = pandoc.Plain({ pandoc.Link(block.content, '#' .. block.identifier) })
      if block.level == 1 or #chapters == 0 then
        chapters:insert(pandoc.List({ link }))
      else
        local last = chapters[#chapters]
        if #last == 1 then last:insert(pandoc.BulletList({})) end
        last[2].content:insert({ link })
      end
    end
  end
  doc.meta.toc = nil
  if #chapters > 0 then
    local title = pandoc.utils.stringify(doc.meta['toc-title'] or 'Contents')
    doc.blocks:insert(1, pandoc.BulletList(chapters))
    doc.blocks:insert(1, pandoc.Div(pandoc.Para(title), { ['custom-style'] = 'TOC Heading' }))
  end
  return doc
end

local word = FORMAT:match('docx') ~= nil
return {
  contact_links,
  {
    Div = function(div) return only(div, word) end,
    Image = image,
    Figure = word and word_figure or nil,
  },
  { Pandoc = word and word_contents or nil },
}

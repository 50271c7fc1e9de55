"""Stage 5, rendering: the stitched document to HTML, PDF and Word, by Quarto or the built-in
renderer (pandoc and Typst), chosen in one place (select.py) behind one interface
(base.Renderer); the brand as CSS and Typst; the HTML made the published web page
(webpage.py) whichever renderer wrote it. May import the charts' style, the project and the
foundations."""

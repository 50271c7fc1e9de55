"""Stage 4, the document: the executed notebooks stitched into one Markdown document (with
its front matter and colophon), the figure register, and the completeness checks. May import
the run stage's notebook reader, the notebook API's parts and markup, the data stage, the
project and the foundations."""

"""Stage 6, publishing: where a build may write (folder.py), every output checked before it
replaces the last good report (verify.py, page.py), the swap into place (swap.py) and the
index of every year (index.py). May import the render stage's web page styles, the document
stage's register, the project and the foundations."""

"""Charts in the house style (Analysis Function palette and style, Lato, clean SVG): what a
chart is (model), how it looks (style), drawing it with matplotlib (draw) and making one from
points (make). May import only the foundations (errors, years)."""

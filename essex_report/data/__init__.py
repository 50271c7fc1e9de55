"""Stage 1, the data: `load` reads and types what data/ holds, `derive` adds the figures worked
out from others, `checks` checks what spans files; every problem is located (file, line,
column). May import only the foundations (errors, years, limits)."""

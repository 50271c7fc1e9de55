"""Every limit the workbook enforces, in one place: what it reads, how long a notebook cell
may run, how large a number may be. Imports nothing of the package."""

MAX_DATA_FILE_BYTES = 50 * 1024 * 1024  # a data file larger than this is refused, not read
MAX_DIGITS = 15  # significant digits of a value: beyond this a float (charts) loses them
MAX_DECIMALS = 6  # decimal places a derived figure may be printed with
CELL_TIMEOUT = 600  # seconds a notebook cell may run, unless _quarto.yml or --cell-timeout say
RENDER_TIMEOUT = 900  # seconds a render may take: a renderer that runs this long is stuck
TARGET_TOLERANCE = 5  # per cent of a target a figure may fall short by and be "on track",
# unless _quarto.yml's essex-report: target-tolerance says otherwise
MAX_WORDS = 200  # characters of a configuration string printed on a page (a title, a name)
MAX_IMAGE_BYTES = 2 * 1024 * 1024  # a chart a cell shows: larger than this is refused (the
# page embeds it; the house charts are SVG of a few kilobytes)

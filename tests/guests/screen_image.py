"""Screenshots for the display tests, without imaging libraries: read an X server's window
dump (xwd's XWD format, 24/32 bits per pixel TrueColor) and PNG files (8-bit gray, RGB, RGBA,
any of the five row filters), write PNG, and measure what the tests ask of a picture: is it
blank, how many rows of text does it hold, does it agree with another picture of the same
screen (after scaling, when the window shows the frame at another size).

An image is Image(width, height, pixels) with pixels as bytes, 3 per pixel (R, G, B), rows top
to bottom.
"""
import struct
import zlib
from collections import Counter


class ImageError(Exception):
    pass


class Image:
    def __init__(self, width, height, pixels):
        if len(pixels) != width * height * 3:
            raise ImageError(f"{width}x{height} needs {width * height * 3} bytes, not {len(pixels)}")
        self.width, self.height, self.pixels = width, height, bytes(pixels)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return self.pixels[i:i + 3]

    def row(self, y):
        return self.pixels[y * self.width * 3:(y + 1) * self.width * 3]

    def crop(self, x, y, w, h):
        out = bytearray()
        for r in range(y, y + h):
            out += self.pixels[(r * self.width + x) * 3:(r * self.width + x + w) * 3]
        return Image(w, h, out)

    def size(self):
        return self.width, self.height


# --- XWD (xwd -out) ----------------------------------------------------------------------------

def read_xwd(path):
    """A ZPixmap XWD file of a TrueColor window, 24 or 32 bits per pixel."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 100:
        raise ImageError(f"{path}: too short for an XWD header")
    # The header is 25 CARD32 in the byte order of the writer: xwd writes it big-endian.
    h = struct.unpack(">25I", data[:100])
    if h[1] != 7:
        h = struct.unpack("<25I", data[:100])
        if h[1] != 7:
            raise ImageError(f"{path}: not an XWD version 7 file")
    (header_size, _version, pixmap_format, _depth, width, height, _xoffset, byte_order, _bitmap_unit,
     _bit_order, _bitmap_pad, bpp, bytes_per_line, _visual_class, red_mask, green_mask, blue_mask,
     _bits_per_rgb, _cmap_entries, ncolors) = h[:20]
    if pixmap_format != 2 or bpp not in (24, 32):
        raise ImageError(f"{path}: format {pixmap_format}, {bpp} bits per pixel (want ZPixmap, 24/32)")
    start = header_size + ncolors * 12
    if len(data) < start + bytes_per_line * height:
        raise ImageError(f"{path}: {len(data)} bytes, the pixels need {start + bytes_per_line * height}")
    step = bpp // 8
    order = "little" if byte_order == 0 else "big"
    shifts = [(m, (m & -m).bit_length() - 1) for m in (red_mask, green_mask, blue_mask)]
    out = bytearray(width * height * 3)
    o = 0
    # The usual case, 32 bits LSBFirst with 0xff0000/0xff00/0xff masks: B, G, R, X in memory.
    fast = step == 4 and order == "little" and (red_mask, green_mask, blue_mask) == (0xff0000, 0xff00, 0xff)
    for y in range(height):
        row = data[start + y * bytes_per_line:start + y * bytes_per_line + width * step]
        if fast:
            out[o:o + width * 3:3] = row[2::4]
            out[o + 1:o + width * 3:3] = row[1::4]
            out[o + 2:o + width * 3:3] = row[0::4]
            o += width * 3
            continue
        for x in range(width):
            v = int.from_bytes(row[x * step:x * step + step], order)
            for m, s in shifts:
                out[o] = ((v & m) >> s) & 0xff
                o += 1
    return Image(width, height, out)


# --- PNG ---------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError(f"{path}: not a PNG file")
    pos, ihdr, idat = 8, None, bytearray()
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise ImageError(f"{path}: truncated {kind!r} chunk")
        if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
            raise ImageError(f"{path}: bad CRC in the {kind!r} chunk")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if not ihdr:
        raise ImageError(f"{path}: no IHDR")
    width, height, depth, ctype, _comp, _filter, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ImageError(f"{path}: bit depth {depth}, color type {ctype}, interlace {interlace} not supported")
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    if len(raw) != (stride + 1) * height:
        raise ImageError(f"{path}: {len(raw)} bytes of image data for {width}x{height}")
    prev = bytearray(stride)
    out = bytearray(width * height * 3)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xff
        elif ftype == 2:
            line = bytearray((a + b) & 0xff for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ftype == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                up_left = prev[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, prev[i], up_left)) & 0xff
        elif ftype != 0:
            raise ImageError(f"{path}: row {y} has filter type {ftype}")
        prev = line
        o = y * width * 3
        if channels == 3:
            out[o:o + width * 3] = line
        elif channels == 4:
            for c in range(3):
                out[o + c:o + width * 3:3] = line[c::4]
        else:
            g = line[::channels]
            for c in range(3):
                out[o + c:o + width * 3:3] = g
    return Image(width, height, out)


def write_png(path, img):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\0" + img.row(y) for y in range(img.height))
    with open(path, "wb") as f:
        f.write(PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", img.width, img.height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


# --- what the tests measure ----------------------------------------------------------------------

def background(img):
    """The most common color (a console's or a desktop's background)."""
    return Counter(img.pixels[i:i + 3] for i in range(0, len(img.pixels), 3 * 7)).most_common(1)[0][0]


def foreground_count(img, bg=None):
    """Pixels that differ from the background."""
    bg = bg or background(img)
    return sum(1 for i in range(0, len(img.pixels), 3) if img.pixels[i:i + 3] != bg)


def text_rows(img, bg=None):
    """Bands of consecutive pixel rows holding something other than background, as (top,
    bottom) pairs: on a text console, one a line of text."""
    bg = bg or background(img)
    blank_row = bg * img.width
    bands, top = [], None
    for y in range(img.height):
        busy = img.row(y) != blank_row
        if busy and top is None:
            top = y
        elif not busy and top is not None:
            bands.append((top, y))
            top = None
    if top is not None:
        bands.append((top, img.height))
    return bands


def fit(frame_size, window_size):
    """Where a window that keeps the aspect ratio shows a frame: (x, y, w, h) in the window."""
    fw, fh = frame_size
    ww, wh = window_size
    if (fw, fh) == (ww, wh):
        return 0, 0, ww, wh
    scale = min(ww / fw, wh / fh)
    w, h = round(fw * scale), round(fh * scale)
    return (ww - w) // 2, (wh - h) // 2, w, h


def _luma_cells(img, x0, y0, w, h, cols, rows):
    """Mean brightness of each cell of a cols x rows grid over the rectangle (x0, y0, w, h)."""
    cells = []
    for r in range(rows):
        ya, yb = y0 + r * h // rows, y0 + (r + 1) * h // rows
        for c in range(cols):
            xa, xb = x0 + c * w // cols, x0 + (c + 1) * w // cols
            total = n = 0
            for y in range(ya, yb, max(1, (yb - ya) // 8)):
                row = img.row(y)
                for x in range(xa, xb, max(1, (xb - xa) // 8)):
                    total += row[x * 3] * 3 + row[x * 3 + 1] * 6 + row[x * 3 + 2]
                    n += 10
            cells.append(total / n if n else 0)
    return cells


def compare(frame, window):
    """How far a window's screenshot agrees with the emulator's frame (its -screendump).

    Same size: the share of pixels that are equal. Another size (the window scales the frame,
    keeping the aspect ratio, maybe with bars): the share of grid cells (the frame in 8x8-pixel
    cells) whose mean brightness agrees within 24 of 255 between the frame and the part of the
    window that shows it. Returns (share, description)."""
    if frame.size() == window.size():
        same = sum(1 for i in range(0, len(frame.pixels), 3) if frame.pixels[i:i + 3] == window.pixels[i:i + 3])
        share = same / (frame.width * frame.height)
        return share, f"{frame.width}x{frame.height} both, {share * 100:.3f}% of the pixels equal"
    x, y, w, h = fit(frame.size(), window.size())
    cols, rows = max(1, frame.width // 8), max(1, frame.height // 8)
    a = _luma_cells(frame, 0, 0, frame.width, frame.height, cols, rows)
    b = _luma_cells(window, x, y, w, h, cols, rows)
    share = sum(1 for p, q in zip(a, b) if abs(p - q) <= 24) / len(a)
    return share, (f"frame {frame.width}x{frame.height} shown at {w}x{h}+{x}+{y} in a "
                   f"{window.width}x{window.height} window, {share * 100:.2f}% of {len(a)} cells agree")

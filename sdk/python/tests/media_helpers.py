"""Helpers of the rich-value tests (issue 17): media events of a run, its warnings, a tiny JPEG header, a timer,
and an independent PNG decoder (PIL when installed, else headless Chromium)."""
import base64
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

import numpy


def media_events(events, key=None):
    return [e for e in events if e["t"] == "media" and (key is None or e["key"] == key)]


def warnings_of(events):
    return [e["message"] for e in events if e["t"] == "warning"]


def tiny_jpeg(width, height):
    """The header of a baseline JPEG (SOI, APP0, SOF0, EOI): enough for the size reader; it is stored as given."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def best_once(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def decode_pngs(pngs):
    """[(width, height, RGBA bytes)] of PNG files, decoded by PIL when present, else by headless Chromium
    (a canvas' getImageData; no colour profile in our PNGs, so values come back exactly)."""
    try:
        from PIL import Image as PILImage
    except ImportError:
        PILImage = None
    if PILImage is not None:
        import io
        out = []
        for data in pngs:
            image = PILImage.open(io.BytesIO(data)).convert("RGBA")
            out.append((image.width, image.height, image.tobytes()))
        return out
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise AssertionError("no independent PNG decoder: install PIL or Debian's chromium")
    sources = json.dumps(["data:image/png;base64," + base64.b64encode(p).decode() for p in pngs])
    page = """<html><body><script>
const out = [];
Promise.all(%s.map((src) => new Promise((done) => { const img = new Image(); img.onload = () => {
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const px = g.getImageData(0, 0, img.width, img.height).data; let text = '';
  for (let i = 0; i < px.length; i += 8192) text += String.fromCharCode(...px.subarray(i, i + 8192));
  done(img.width + 'x' + img.height + ':' + btoa(text));
}; img.onerror = () => done('error'); img.src = src; }))).then((all) => { document.body.setAttribute('data-out', all.join(' ')); });
</script></body></html>""" % sources
    folder = tempfile.mkdtemp(prefix="trialbook-png-")
    try:
        path = os.path.join(folder, "decode.html")
        with open(path, "w") as handle:
            handle.write(page)
        result = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                                 "--user-data-dir=" + os.path.join(folder, "profile"), "--dump-dom", "file://" + path],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
    finally:
        shutil.rmtree(folder, True)
    text = result.stdout.decode()
    start = text.index('data-out="') + len('data-out="')
    decoded = []
    for part in text[start:text.index('"', start)].split(" "):
        if part == "error":
            decoded.append(None)
            continue
        size, pixels = part.split(":", 1)
        width, height = (int(v) for v in size.split("x"))
        decoded.append((width, height, base64.b64decode(pixels)))
    return decoded


def rgba(array):
    """Expected RGBA bytes of a uint8 HWC array with 1-4 channels."""
    h, w, c = array.shape
    if c == 1:
        array = numpy.concatenate([array, array, array, numpy.full((h, w, 1), 255, numpy.uint8)], axis=2)
    elif c == 2:
        array = numpy.concatenate([array[:, :, :1]] * 3 + [array[:, :, 1:]], axis=2)
    elif c == 3:
        array = numpy.concatenate([array, numpy.full((h, w, 1), 255, numpy.uint8)], axis=2)
    return array.tobytes()


"""Rich values (issue 17): Image from every input kind available here, the events it writes (validated against
the schema by SdkTestCase), files stored by content hash, and bad images (one warning, value skipped)."""
import os
import threading
import time
import unittest
import warnings

from helpers import SdkTestCase
from media_helpers import decode_pngs, media_events, rgba, tiny_jpeg, warnings_of

import numpy
import torch
import trialbook
from trialbook import _png


class ImageTest(SdkTestCase):
    def init(self):
        return trialbook.init(experiment="media", dir=self.tmp, system_metrics=False)

    def stored(self, run, item):
        with open(os.path.join(run.dir, item["path"]), "rb") as handle:
            return handle.read()

    def test_every_array_kind_becomes_a_png_the_decoder_reads_back(self):
        rng = numpy.random.default_rng(3)
        gray = rng.integers(0, 256, (6, 5), dtype=numpy.uint8)
        rgb = rng.integers(0, 256, (4, 6, 3), dtype=numpy.uint8)
        chw = rng.random((3, 5, 6))  # (3, H, W): W is no channel count, so CHW (an ambiguous (3, H, 4) reads as HWC)
        tensor = torch.rand(3, 4, 5)
        tensor_hw = torch.randint(0, 256, (3, 2), dtype=torch.uint8)
        nested = [[[0, 128, 255], [255, 0, 0]], [[0.0, 0.5, 1.0], [10, 20, 30]]]
        run = self.init()
        run.log({"gray": trialbook.Image(gray, caption="a caption"), "rgb": trialbook.Image(rgb),
                 "chw": trialbook.Image(chw), "tensor": trialbook.Image(tensor), "tensor_hw": trialbook.Image(tensor_hw),
                 "nested": trialbook.Image(nested), "loss": 0.5}, step=4)
        run.finish()
        events = self.events()
        items = {e["key"]: e["items"][0] for e in media_events(events)}
        self.assertEqual(sorted(items), ["chw", "gray", "nested", "rgb", "tensor", "tensor_hw"])
        self.assertTrue(all(e["step"] == 4 and e["type"] == "image" for e in media_events(events)))
        self.assertEqual(items["gray"]["caption"], "a caption")
        expected = {
            "gray": gray[:, :, None], "rgb": rgb,
            "chw": (chw.transpose(1, 2, 0) * 255 + 0.5).astype(numpy.uint8),
            "tensor": (tensor.numpy().transpose(1, 2, 0) * 255 + 0.5).astype(numpy.uint8),
            "tensor_hw": tensor_hw.numpy()[:, :, None],
            "nested": numpy.array([[[0, 128, 255], [255, 0, 0]], [[0, 128, 255], [10, 20, 30]]], numpy.uint8),
        }
        keys = sorted(expected)
        decoded = decode_pngs([self.stored(run, items[k]) for k in keys])
        for key, got in zip(keys, decoded):
            self.assertEqual(got[:2], (items[key]["width"], items[key]["height"]), key)
            self.assertEqual(got[2], rgba(expected[key]), key)
            data = self.stored(run, items[key])
            import hashlib
            self.assertEqual(hashlib.sha256(data).hexdigest(), items[key]["sha256"], key)
            self.assertEqual(items[key]["path"], "media/%s.png" % items[key]["sha256"])
        self.assertEqual([e["values"] for e in events if e["t"] == "metrics"], [{"loss": 0.5}])

    def test_png_and_jpeg_files_and_bytes_are_stored_as_given_once_per_content(self):
        png = _png.encode_rows(2, 1, 3, [b"\x01\x02\x03\x04\x05\x06"])
        jpeg = tiny_jpeg(32, 16)
        path = os.path.join(self.tmp, "sample.png")
        with open(path, "wb") as handle:
            handle.write(png)
        jpeg_path = os.path.join(self.tmp, "photo.jpg")
        with open(jpeg_path, "wb") as handle:
            handle.write(jpeg)
        run = self.init()
        run.log({"samples": [trialbook.Image(path), trialbook.Image(png), trialbook.Image(jpeg_path),
                             trialbook.Image(bytearray(jpeg))]}, step=0)
        run.log({"samples": [trialbook.Image(png)]}, step=1)
        run.finish()
        events = media_events(self.events(), "samples")
        self.assertEqual([len(e["items"]) for e in events], [4, 1])
        first = events[0]["items"]
        self.assertEqual([(i["format"], i["width"], i["height"]) for i in first],
                         [("png", 2, 1), ("png", 2, 1), ("jpeg", 32, 16), ("jpeg", 32, 16)])
        self.assertEqual(self.stored(run, first[0]), png)
        self.assertEqual(self.stored(run, first[2]), jpeg)
        self.assertTrue(first[2]["path"].endswith(".jpg"))
        self.assertEqual(sorted(os.listdir(os.path.join(run.dir, "media"))),
                         sorted({first[0]["path"][6:], first[2]["path"][6:]}), "one file per content")

    def test_a_step_of_media_only_advances_the_step_like_metrics(self):
        run = self.init()
        run.log({"img": trialbook.Image(numpy.zeros((2, 2), numpy.uint8))})
        run.log({"loss": 1.0})
        run.finish()
        events = self.events()
        self.assertEqual(media_events(events)[0]["step"], 0)
        self.assertEqual([e["step"] for e in events if e["t"] == "metrics"], [1])

    def test_bad_images_warn_once_each_are_skipped_and_training_goes_on(self):
        run = self.init()
        bad = {
            "channels": trialbook.Image(numpy.zeros((5, 5, 7), numpy.uint8)),
            "nan": trialbook.Image(numpy.full((2, 2), numpy.nan)),
            "range": trialbook.Image(numpy.full((2, 2), 3.0)),
            "dtype": trialbook.Image(numpy.array([["a", "b"]])),
            "type": trialbook.Image({"not": "an image"}),
            "missing": trialbook.Image(os.path.join(self.tmp, "nope.png")),
            "gif": trialbook.Image(b"GIF89a\x01\x00\x01\x00"),
            "mixed": [trialbook.Image(numpy.zeros((2, 2), numpy.uint8)), trialbook.Text("x")],
            "batch": trialbook.Image(numpy.zeros((2, 3, 4, 4), numpy.uint8)),
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run.log(dict(bad, loss=2.0), step=0)
            run.flush()
        run.log({"loss": 1.0}, step=1)
        run.finish()
        events = self.events()
        self.assertEqual(media_events(events), [])
        self.assertEqual([e["values"] for e in events if e["t"] == "metrics"], [{"loss": 2.0}, {"loss": 1.0}])
        messages = warnings_of(events)
        self.assertEqual(len(messages), len(bad), messages)
        self.assertEqual(len([w for w in caught if "trialbook" in str(w.message)]), len(bad))
        for words in ("(5, 5, 7)", "NaN", "from 3 to 3", "dtype <U1", "cannot read a dict",
                      "nope.png", "not a PNG or JPEG", "mixes Image, Text", "(2, 3, 4, 4)"):
            self.assertTrue(any(words in m for m in messages), "no warning says %r: %r" % (words, messages))

    def test_encoding_runs_on_the_writer_thread_and_log_returns_after_the_copy(self):
        calls = []
        original = _png.encode_array

        def recording(array):
            calls.append(threading.current_thread().name)
            return original(array)

        _png.encode_array = recording
        self.addCleanup(setattr, _png, "encode_array", original)
        image = numpy.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=numpy.uint8)
        run = self.init()
        start = time.perf_counter()
        run.log({"img": trialbook.Image(image)}, step=0)
        spent = time.perf_counter() - start
        image[:] = 0  # the caller reuses its buffer: the logged image keeps the values it had
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:  # the writer thread drains at least every second
            time.sleep(0.02)
        run.finish()
        self.assertEqual(len(calls), 1)
        self.assertNotEqual(calls[0], threading.current_thread().name)
        item = media_events(self.events())[0]["items"][0]
        self.assertEqual(decode_pngs([self.stored(run, item)])[0][2], rgba(numpy.random.default_rng(0).integers(
            0, 256, (256, 256, 3), dtype=numpy.uint8)))
        print("\nrun.log() of a 256x256 RGB image: %.3f ms" % (spent * 1e3))
        self.assertLess(spent, 0.003)


if __name__ == "__main__":
    unittest.main()

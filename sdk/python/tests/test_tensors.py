"""Metric values that are PyTorch tensors and NumPy scalars, with the real libraries (Debian's
python3-torch, which brings python3-numpy). Missing torch fails these tests: it is in the
Debian package list that `node scripts/setup.mjs` installs."""
import math
import threading
import unittest

from helpers import SdkTestCase, metrics_of

try:
    import numpy
    import torch
except ImportError as exc:  # a failure, not a skip: the tensor paths must be tested
    raise ImportError("the tensor tests need PyTorch and NumPy: run `node scripts/setup.mjs` (installs Debian's "
                      "python3-torch) and run the tests with /usr/bin/python3 (%s)" % exc)

import trialbook

READS = ("item", "tolist", "cpu", "numpy", "__float__", "__int__", "__bool__", "to", "stack")


class FakeDeviceTensor(torch.Tensor):
    """A real tensor that says it is not on the CPU (as a CUDA tensor would) and records which
    threads read its values, through PyTorch's own __torch_function__ protocol."""

    reads = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name == "__get__" and getattr(func, "__self__", None) is not None:
            name = func.__self__.__name__  # a property such as is_cpu
        if name == "is_cpu":
            return False
        if name in READS:
            cls.reads.append((name, threading.current_thread().name))
        return super().__torch_function__(func, types, args, kwargs or {})


def on_device(value, requires_grad=False):
    tensor = torch.tensor(value).as_subclass(FakeDeviceTensor)
    return tensor.requires_grad_(requires_grad) if requires_grad else tensor


class TensorValuesTest(SdkTestCase):
    def setUp(self):
        super().setUp()
        FakeDeviceTensor.reads = []
        self.run = trialbook.init(dir=self.tmp, system_metrics=False)

    def logged(self):
        self.run.finish()
        return [e["values"] for e in metrics_of(self.events())]

    def test_cpu_tensors_and_numpy_scalars_are_read_exactly(self):
        weight = torch.nn.Parameter(torch.tensor(0.25))
        loss = (weight * 2).sum()
        loss.backward()
        self.run.log({"loss": loss, "f32": torch.tensor(0.1), "f64": torch.tensor(0.1, dtype=torch.float64),
                      "i64": torch.tensor(2 ** 40), "flag": torch.tensor(True), "one": torch.tensor([3.5]),
                      "nan": torch.tensor(float("nan")), "param": weight})
        self.run.log({"np64": numpy.float64(0.1), "np32": numpy.float32(0.1), "npi": numpy.int64(7),
                      "npb": numpy.bool_(True), "np0d": numpy.array(1.5), "ninf": numpy.float32("-inf")})
        first, second = self.logged()
        self.assertEqual(first, {"loss": 0.5, "f32": torch.tensor(0.1).item(), "f64": 0.1, "i64": 2 ** 40,
                                 "flag": 1, "one": 3.5, "nan": "NaN", "param": 0.25})
        self.assertEqual(second, {"np64": 0.1, "np32": float(numpy.float32(0.1)), "npi": 7, "npb": 1,
                                  "np0d": 1.5, "ninf": "-Infinity"})

    def test_arrays_of_several_numbers_are_refused_clearly(self):
        for value in (torch.ones(3), numpy.ones(3), on_device([1.0, 2.0])):
            with self.subTest(value=type(value).__name__):
                with self.assertRaisesRegex(TypeError, r"metric 'w' is an array/tensor with [23] elements; log one number"):
                    self.run.log({"w": value})
        self.assertEqual(self.logged(), [])

    def test_device_tensors_are_read_by_the_writer_thread_never_by_the_caller(self):
        loss = on_device(0.75, requires_grad=True) * 2
        grad_norm = on_device(3.0)
        steps = 50
        for step in range(steps):
            self.run.log({"loss": loss + step, "grad_norm": grad_norm, "lr": 0.1})
            grad_norm.add_(1.0)  # changed in place after log(): the logged value must not change
        callers = [name for name, thread in FakeDeviceTensor.reads if thread == threading.current_thread().name]
        self.assertEqual(callers, [], "log() read device tensors on the calling thread")
        self.run.flush()  # from this thread now: the values are read here, once per chunk
        readers = {thread for _name, thread in FakeDeviceTensor.reads}
        self.assertTrue(readers, "the device values were never read")
        self.assertLessEqual(len(FakeDeviceTensor.reads), 8, FakeDeviceTensor.reads)  # batched, not one per value
        values = self.logged()
        self.assertEqual([v["loss"] for v in values], [1.5 + step for step in range(steps)])
        self.assertEqual([v["grad_norm"] for v in values], [3.0 + step for step in range(steps)])
        self.assertEqual(self.run.summary["grad_norm"], 3.0 + steps - 1)

    def test_the_writer_thread_reads_device_tensors_in_the_background(self):
        run = trialbook.init(dir=self.tmp, system_metrics=False, flush_interval=0.05)
        run.log({"loss": on_device(2.0)})
        import time
        deadline = time.time() + 10
        while not FakeDeviceTensor.reads and time.time() < deadline:
            time.sleep(0.01)
        self.assertEqual({thread for _name, thread in FakeDeviceTensor.reads}, {"trialbook-writer"})
        run.finish()
        self.assertEqual([e["values"] for e in metrics_of(self.events(run.id))], [{"loss": 2.0}])

    def test_uncommitted_steps_and_summary_with_device_tensors(self):
        self.run.log({"a": on_device(1.0)}, commit=False)
        self.run.log({"b": on_device(2)}, commit=False)
        self.run.log({"c": 3.0})
        self.assertEqual(FakeDeviceTensor.reads, [])
        self.assertEqual(self.run.summary["b"], 2)
        self.assertEqual(self.logged(), [{"a": 1.0, "b": 2, "c": 3.0}])
        self.assertTrue(math.isfinite(self.run.summary["a"]))


class SignalDuringWriteTest(SdkTestCase):
    def test_sigterm_while_this_thread_writes_a_chunk_still_ends_the_run(self):
        # torch.stack runs inside a chunk's encoding (reading device values): raising SIGTERM there
        # makes the handler run while this very thread holds the writer's lock.
        proc = self.child("""
            import signal, torch, trialbook

            class SignalsOnRead(torch.Tensor):
                @classmethod
                def __torch_function__(cls, func, types, args=(), kwargs=None):
                    name = getattr(func, "__name__", "")
                    if name == "__get__" and getattr(func, "__self__", None) is not None:
                        name = func.__self__.__name__
                    if name == "is_cpu":
                        return False
                    if name == "stack":
                        signal.raise_signal(signal.SIGTERM)
                    return super().__torch_function__(func, types, args, kwargs or {})

            run = trialbook.init(system_metrics=False, capture="none", flush_interval=60)
            print(run.id, flush=True)
            for i in range(10):
                run.log({"loss": float(i)})
            run.log({"loss": torch.tensor(10.0).as_subclass(SignalsOnRead)})
            run.flush()
            print("still alive", flush=True)
        """)
        self.assertEqual(proc.returncode, -15, proc.stderr.decode())
        run_id, *rest = proc.stdout.decode().split("\n")
        self.assertNotIn("still alive", rest)
        events = self.events(run_id)
        self.assertEqual([e["values"]["loss"] for e in metrics_of(events)], [float(i) for i in range(11)])
        self.assertEqual((events[-1]["t"], events[-1]["status"]), ("run_end", "killed"))


if __name__ == "__main__":
    unittest.main()

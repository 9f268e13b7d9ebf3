"""System metrics: sampled on their own timeline, never moving the user's step."""
import os
import stat
import time
import unittest

from helpers import SdkTestCase

import trialbook
from trialbook import _system


class SystemMetricsTest(SdkTestCase):
    def test_sampler_logs_system_metrics_on_its_own_timeline(self):
        run = trialbook.init(dir=self.tmp, system_metrics=0.1, flush_interval=0.05)
        for i in range(5):
            run.log({"loss": float(i)})
            busy = time.time() + 0.08
            while time.time() < busy:
                pass  # burn CPU so cpu_percent has something to see
        deadline = time.time() + 5
        while time.time() < deadline:
            run.flush()
            samples = [e for e in self.events() if e["t"] == "metrics" and "system/cpu_percent" in e["values"]]
            if len(samples) >= 3:
                break
            time.sleep(0.05)
        run.log({"loss": 9.0})
        run.finish()
        events = self.events()
        user = [e for e in events if e["t"] == "metrics" and "loss" in e["values"]]
        system = [e for e in events if e["t"] == "metrics" and any(k.startswith("system/") for k in e["values"])]
        self.assertEqual([e["step"] for e in user], [0, 1, 2, 3, 4, 5])
        self.assertGreaterEqual(len(system), 3)
        self.assertTrue(all(set(e["values"]).isdisjoint({"loss"}) for e in system))
        steps = [e["step"] for e in system]
        self.assertEqual(steps, sorted(set(steps)))  # strictly increasing
        self.assertGreater(max(e["values"]["system/memory_rss_mb"] for e in system), 1.0)
        self.assertTrue(any(e["values"].get("system/cpu_percent", 0) > 5 for e in system))

    def test_system_metrics_off(self):
        run = trialbook.init(dir=self.tmp, system_metrics=False)
        self.assertIsNone(run._sampler)
        run.finish()
        os.environ["TRIALBOOK_CAPTURE"] = "-system"
        run = trialbook.init(dir=self.tmp)
        self.assertIsNone(run._sampler)
        run.finish()

    def test_gpu_figures_from_nvidia_smi(self):
        # A stand-in nvidia-smi script prints what the real one prints for two GPUs.
        fake = os.path.join(self.tmp, "nvidia-smi")
        with open(fake, "w") as handle:
            handle.write("#!/bin/sh\necho '0, 87, 10240, 16384'\necho '1, [N/A], 512, 16384'\n")
        os.chmod(fake, stat.S_IRWXU)
        values = _system.gpu_sample(fake)
        self.assertEqual(values, {"system/gpu0/utilization_percent": 87.0, "system/gpu0/memory_used_mb": 10240.0,
                                  "system/gpu0/memory_total_mb": 16384.0, "system/gpu1/memory_used_mb": 512.0,
                                  "system/gpu1/memory_total_mb": 16384.0})
        self.assertEqual(_system.gpu_sample(os.path.join(self.tmp, "missing")), {})


if __name__ == "__main__":
    unittest.main()

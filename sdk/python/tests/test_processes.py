"""Many writers at once: eight processes, and the ranks of a distributed job."""
import unittest

from helpers import SdkTestCase, metrics_of

WORKER = """
import os, sys, trialbook
run = trialbook.init(experiment="parallel", config={"worker": int(sys.argv[1])}, system_metrics=False,
                     flush_interval=0.02)
for i in range(1500):
    run.log({"loss": 1.0 / (i + 1), "worker": float(sys.argv[1])})
run.finish()
"""

RANKED = """
import os, trialbook
kwargs = eval(os.environ["INIT_KWARGS"])
run = trialbook.init(experiment="ddp", system_metrics=False, **kwargs)
run.config["lr"] = 0.1
for i in range(50):
    run.log({"loss": float(i), "rank": float(os.environ["RANK"])})
run.summary["best"] = 1.0
run.set_tags(["ddp"])
run.notes = "rank test"
open("artifact-%s.txt" % os.environ["RANK"], "w").write("x")
run.log_artifact("artifact-%s.txt" % os.environ["RANK"])
print(run.id, run.disabled, flush=True)
run.finish()
"""


class ProcessesTest(SdkTestCase):
    def spawn(self, code, envs, args=()):
        procs = [self.child(code, env=env, wait=False) for env in envs]
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, err.decode())
            outputs.append(out.decode())
        return outputs

    def test_eight_processes_eight_runs(self):
        procs = []
        for n in range(8):
            full = self.child("import sys; sys.argv = ['w', '%d']\n" % n + WORKER, wait=False)
            procs.append(full)
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, err.decode())
        logs = self.all_events()  # validates every line of every log
        self.assertEqual(len(logs), 8)
        workers = set()
        for run_id, events in logs.items():
            worker = events[0]["config"]["worker"]
            workers.add(worker)
            metrics = metrics_of(events)
            self.assertEqual([e["step"] for e in metrics], list(range(1500)))
            self.assertTrue(all(e["values"]["worker"] == worker for e in metrics))
            self.assertEqual(events[-1]["status"], "finished")
        self.assertEqual(workers, set(range(8)))

    def ranks(self, kwargs, extra=None):
        envs = []
        for rank in range(3):
            env = {"RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "3", "INIT_KWARGS": repr(kwargs)}
            env.update(extra or {})
            envs.append(env)
        return self.spawn(RANKED, envs)

    def test_only_rank_zero_logs_by_default(self):
        outputs = self.ranks({})
        disabled = [out.split()[1] for out in outputs]
        self.assertEqual(disabled, ["False", "True", "True"])
        logs = self.all_events()
        self.assertEqual(list(logs), [outputs[0].split()[0]])
        events = list(logs.values())[0]
        self.assertEqual(events[0]["rank"], 0)
        self.assertTrue(all(e["values"]["rank"] == 0.0 for e in metrics_of(events)))

    def test_all_ranks_opt_in_groups_runs(self):
        outputs = self.ranks({"all_ranks": True}, {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"})
        logs = self.all_events()
        self.assertEqual(len(logs), 3)
        starts = sorted((events[0] for events in logs.values()), key=lambda e: e["rank"])
        self.assertEqual([s["rank"] for s in starts], [0, 1, 2])
        self.assertEqual({s["group"] for s in starts}, {"ddp-127.0.0.1-29500"})
        self.assertEqual([s["name"] for s in starts], ["ddp-127.0.0.1-29500-rank%d" % r for r in range(3)])
        for events in logs.values():
            rank = events[0]["rank"]
            self.assertTrue(all(e["values"]["rank"] == float(rank) for e in metrics_of(events)))
        named = self.ranks({"all_ranks": True, "group": "sweep-7"})
        self.assertTrue(all(out.split()[1] == "False" for out in named))
        groups = [events[0].get("group") for events in self.all_events().values()]
        self.assertEqual(groups.count("sweep-7"), 3)


if __name__ == "__main__":
    unittest.main()

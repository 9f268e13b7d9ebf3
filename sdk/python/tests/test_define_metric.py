"""run.define_metric: a metric's goal, summary value and primary flag, written as `metric` events."""
import json
import unittest

from helpers import SdkTestCase

SCRIPT = """
import trialbook
run = trialbook.init(experiment="cifar", system_metrics=False)
run.define_metric("val/loss", goal="minimize", summary="min")
run.define_metric("val/acc", goal="maximize", summary="best", primary=True)
trialbook.define_metric("grad_norm")
for step in range(3):
    run.log({"val/loss": 1.0 / (step + 1), "val/acc": step / 3, "grad_norm": 2.0})
run.finish()
"""


class DefineMetricTest(SdkTestCase):
    def run_child(self, code):
        result = self.child(code)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result

    def test_definitions_are_written_as_metric_events_the_schema_accepts(self):
        self.run_child(SCRIPT)
        events = self.events()  # every line validated against schema/event.schema.json
        defs = [{k: v for k, v in e.items() if k not in ("v", "ts")} for e in events if e["t"] == "metric"]
        self.assertEqual(defs, [
            {"t": "metric", "name": "val/loss", "goal": "minimize", "summary": "min"},
            {"t": "metric", "name": "val/acc", "goal": "maximize", "summary": "max", "primary": True},
            {"t": "metric", "name": "grad_norm"},
        ])
        kinds = [e["t"] for e in events]
        self.assertLess(kinds.index("metric"), kinds.index("metrics"), "definitions come before the points, in call order")

    def test_bad_arguments_say_what_is_accepted_and_write_nothing(self):
        cases = [
            ('run.define_metric("loss", goal="min")', "ValueError", 'goal must be "minimize" or "maximize"'),
            ('run.define_metric("loss", summary="mean")', "ValueError", 'summary must be "min", "max", "last" or "best"'),
            ('run.define_metric("loss", summary="best")', "ValueError", 'summary="best" needs a goal'),
            ('run.define_metric("val/*", goal="minimize")', "ValueError", "exact metric name"),
            ('run.define_metric("", goal="minimize")', "ValueError", "name is empty"),
            ('run.define_metric(3, goal="minimize")', "TypeError", "names must be strings"),
            ('run.define_metric("loss", primary="yes")', "TypeError", "primary must be True or False"),
        ]
        for call, kind, message in cases:
            code = ("import trialbook\nrun = trialbook.init(system_metrics=False)\ntry:\n    %s\nexcept %s as exc:\n"
                    "    print(json.dumps(str(exc)))\nrun.finish()\n" % (call, kind))
            result = self.run_child("import json\n" + code)
            printed = json.loads(result.stdout.decode().strip() or '""')
            self.assertIn(message, printed, call)
        for events in self.all_events().values():
            self.assertEqual([e for e in events if e["t"] == "metric"], [])

    def test_module_level_define_metric_needs_a_run(self):
        result = self.child("import trialbook\ntrialbook.define_metric('loss', goal='minimize')\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("call trialbook.init() before trialbook.define_metric()", result.stderr.decode())

    def test_a_later_definition_replaces_the_earlier_and_resume_keeps_writing(self):
        result = self.run_child("""
import trialbook
run = trialbook.init(system_metrics=False)
run.define_metric("acc", goal="maximize", primary=True)
run.log({"acc": 0.5})
print(run.id)
run.finish()
""")
        run_id = result.stdout.decode().strip()
        self.run_child("""
import trialbook
run = trialbook.init(resume=%r, system_metrics=False)
run.define_metric("acc", goal="maximize", summary="last", primary=False)
run.finish()
""" % run_id)
        defs = [e for e in self.events(run_id) if e["t"] == "metric"]
        self.assertEqual([(d["name"], d.get("primary"), d.get("summary")) for d in defs], [("acc", True, None), ("acc", False, "last")])


if __name__ == "__main__":
    unittest.main()

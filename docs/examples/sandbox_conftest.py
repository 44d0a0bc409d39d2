# conftest.py: a sandbox "audited" that runs acceptance suites in the process sandbox and says so
# in every row, with the command it ran.
import dataclasses

from pytest_hybridarena.run.sandbox import Limits, ProcessSandbox


class AuditedSandbox:
    name = "audited"

    def __init__(self):
        self.inner = ProcessSandbox(Limits(address_space_mb=4096), network="auto")

    def available(self):
        return self.inner.available()  # (False, "why") skips the cells with that reason

    def run(self, argv, **kwargs):  # cwd, timeout_s, env, mounts, readonly, hide, channel
        result = self.inner.run(argv, **kwargs)
        audit = {"audited_by": self.name, "argv0": str(argv[0]).rsplit("/", 1)[-1]}
        return dataclasses.replace(result, isolation={**result.isolation, **audit})


def pytest_arena_add_sandboxes(config):
    return {"audited": AuditedSandbox}

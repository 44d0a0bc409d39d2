# conftest.py: a routing strategy that sends long prompts to the cloud and short ones to local.
from pytest_hybridarena.router.strategies.base import Decision, StrategyBase


class ByLength(StrategyBase):
    name = "by-length"
    allowed = frozenset({"chars"})  # the spec's parameters: by-length@chars=4000

    async def decide(self, request, context):
        limit = self.integer("chars", 4000)
        size = sum(len(str(message.get("content") or "")) for message in request.messages)
        side = "cloud" if size > limit else "local"
        reason = f"{size} chars against a limit of {limit}"
        return Decision(side, reason, 1.0, {"chars": size, "limit": limit})  # meta goes to the log


def pytest_arena_add_strategies(config):
    return {"by-length": ByLength}

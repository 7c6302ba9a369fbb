"""The read-only SPARQL endpoint and query page (`naravard serve`).

* `graph.server.policy`: what may run (no update, LOAD or SERVICE) and who may ask (Host, Origin)
* `graph.server.pool`: the queue, the time and memory limits, the worker processes
* `graph.server.sandbox`: what a worker forbids itself (network, outliving the server, memory)
* `graph.server.snapshot`: the private store copy that follows rebuilds
* `graph.server.negotiate`: content negotiation and serialising results once
* `graph.server.app`: the Starlette app (`create_app`) and `serve`
"""

__all__ = ["create_app", "serve"]


def __getattr__(name: str):
    # Lazy, so a worker process (which imports graph.server.pool) does not load Starlette.
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module 'graph.server' has no attribute {name!r}")

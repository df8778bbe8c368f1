"""Serving: the scoring server an endpoint runs (MLflow's scoring protocol, micro-batched).

:mod:`.protocol` parses and answers ``/invocations`` as MLflow does, :mod:`.batching` shares
predict calls between concurrent requests, :mod:`.app` is the ASGI app and :mod:`.server` runs
it on uvicorn. ``python -m jupyter_mlx.serving --model URI`` and ``jupyter mlx serve`` start it.
"""

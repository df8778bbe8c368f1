"""Serving: registered models answered over MLflow's scoring protocol by endpoints.

The scoring process of one endpoint (``python -m jupyter_mlx.serving``, ``jupyter mlx serve``):
:mod:`.protocol` parses and answers ``/invocations`` as MLflow does, :mod:`.batching` shares
predict calls between concurrent requests, :mod:`.deployment` holds the primary and canary
versions and splits traffic between them, :mod:`.reload` swaps in the version an alias moves
to, :mod:`.monitor` keeps the request log and per-second metrics, :mod:`.drift` compares live
inputs with the input example, :mod:`.admin` answers the ``/-/`` routes, :mod:`.app` is the
ASGI app and :mod:`.server` runs it on uvicorn; :mod:`.options` holds what configures it.

In the Jupyter server: :mod:`.service` keeps the endpoints' records and supervises their
processes, reached through :mod:`.loopback`; :mod:`.schemas` are its wire shapes. Faces:
:mod:`.client` (the API for the CLI and magics), :mod:`.cli`, :mod:`.magics`, and
:mod:`.export` (Docker build contexts and KServe manifests).
"""

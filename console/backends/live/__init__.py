"""The live backend: Run:ai and WEKA over REST (httpx), Kubernetes (kubernetes client), local GPUs (pynvml).

This package's `__init__` stays import-light on purpose: importing `console.backends.live` must not pull in
httpx, kubernetes or pynvml, so the layering guard and the demo path stay cheap. Each client lives in its own
submodule (`runai`, `weka`, `kube`, `nvml`) and imports its third-party library itself.
"""

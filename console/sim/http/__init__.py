"""The simulator behind the real wire formats: Run:ai, WEKA and Kubernetes servers on 127.0.0.1.

Each service is a `Router` of handlers served by a `SimHttpServer` (stdlib threads, no extra
dependency) with per-route fault injection; all of them share one `SimulatorHost`, which holds the
lock and keeps the simulator's clock in step with real time.
"""

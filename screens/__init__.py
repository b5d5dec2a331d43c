"""rwc's screens, one per module: the six resource screens, the workload detail and help.

Screens talk to `console.data` (the `Backend` protocol, the Store) through `console.ui`, never to a
concrete backend or the simulator.
"""

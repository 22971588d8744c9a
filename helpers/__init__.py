"""The small package every notebook of the course imports.

One concept per module: ``env`` (seeding, device, environment report), ``tinyworld`` (the course's
generated English→French world), ``grammar`` (the recogniser of grammatical English in that world),
``memory`` (the long-lag memory task), ``data`` (vocabularies, encoding, padded batches with masks),
``plots`` (one look for every figure), ``training`` (a training loop that returns its history),
``metrics``, ``widgets`` (explorers) and ``exercises`` (checkers).

Importing ``helpers`` does nothing else: no seeding, no global state.
"""

__version__ = "0.1.0"

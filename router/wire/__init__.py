"""Wire formats: the internal request/response shape and the translators to and from it.

The internal shape is OpenAI's chat-completions schema (validated, with a few parsed fields kept
beside it), because every agent and most backends already speak it: an OpenAI agent talking to an
OpenAI-compatible backend needs no translation at all, and Anthropic and Ollama native are
translated at the edges (``anthropic_in``/``anthropic_out``, ``ollama``).
"""

"""The small package every notebook of the course imports: one concept a module.

The map, lesson by lesson and one line a module, is in helpers/README.md:

- the tiny world: ``lexicon`` (words), ``tinyworld`` (the generator), ``grammar`` (the recogniser),
  ``corpus`` (the data set on disk), ``memory_task`` (the long-lag memory task);
- lessons 00–02: ``ngram``, ``rnn_cells``, ``bptt``, ``memory_models``, ``rnn_lm``, ``rnn_figures``;
- lessons 03–04: ``seq2seq``, ``seq2seq_attention``, ``metrics``;
- lessons 05–07: ``self_attention``, ``transformer``, ``sampling``, ``finetune``, ``context``, ``guardrails``;
- lesson 08: ``bpe``, ``text_to_text``, ``kv_cache``, ``gpt2``;
- everywhere: ``env``, ``data``, ``training``, ``plots``, ``widgets``, ``exercises``.

Importing ``helpers`` does nothing else: no seeding, no global state.
"""

__version__ = "0.2.0"

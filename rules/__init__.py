"""Claims → assessment under 穗埔府规〔2019〕9号: one module per article (art2 … art10), the
engine that runs them (rules.engine.assess), parameters in YAML (rules.params). Knows claim
sets and ledgers only; see rules/README.md."""

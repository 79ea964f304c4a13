"""Judge layer: policies (rules, presets, waivers) turned into findings."""

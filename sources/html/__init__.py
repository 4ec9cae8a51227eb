"""HTML sources: news list pages (selectors, presets or automatic detection) and article pages."""

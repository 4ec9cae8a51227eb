"""Text helpers more than one room needs: whitespace and control characters, Chinese dates."""

"""What Curator works out from the annotations: agreement, review items, near-duplicate
articles and entity variants, facts, suggestions, and what a clean export demands."""

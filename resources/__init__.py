"""Package data: icons, stylesheets, translations and the bundled sample archive."""

"""The network pages: styles and labels (`style`), layouts (`layout`), one page (`page`) and
the whole site (`site`)."""

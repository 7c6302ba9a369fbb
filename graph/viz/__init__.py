"""The pages: styles and labels (`style`), layouts (`layout`), one network page (`page`), the
source texts and every quote (`sources`), the templates on one base layout (`shell`) and the whole
site (`site`)."""

// Placeholder; replaced by the workspace helper.

"""Bundled data: the seed policy and the vocabulary files a DPO extends."""

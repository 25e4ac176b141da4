"""The kernel contract: each field of the arrays crossing into the compiled kernel, declared once.

:mod:`~skycrane.contract.fields` declares them, :mod:`~skycrane.contract.layout`
numbers them. This package sits at the bottom of skycrane's import graph: the
physics models, flight software, kernel and builders all read it, and it
reads none of them.
"""

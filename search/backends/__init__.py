"""What the facade is served by: the local Whoosh index (``search/store`` + ``search/query``)
and a cluster of Sphinx/Manticore nodes spoken to over SphinxQL (``cluster``)."""

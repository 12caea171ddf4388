"""A shared archive on a cluster of ``searchd`` nodes (Sphinx 2.2 here, Manticore Search in
production: both speak SphinxQL over the MySQL wire protocol)."""

"""Tests of the big-table stack: the filter language, TableView and VirtualTable."""

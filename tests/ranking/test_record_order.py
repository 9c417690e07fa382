"""The screening order as the web server holds it: ids in order, each id's place found by
search, and a cheap copy to another process."""

from __future__ import annotations

import pickle

from sysreview.services.ranking import RecordOrder


def test_places_are_where_each_id_stands_and_unknown_ids_get_the_default() -> None:
    order = RecordOrder([40, 7, 1000, 12])
    assert [order.place(r, -1) for r in (40, 7, 1000, 12)] == [0, 1, 2, 3]
    assert order.place(8, 99) == 99 and order.place(5000, 99) == 99 and order.place(1, 99) == 99
    assert order.places([12, 3, 40, 2000], len(order)) == [3, 4, 0, 4]
    assert 1000 in order and 13 not in order


def test_an_order_reads_as_its_ids_and_compares_by_them() -> None:
    order = RecordOrder([3, 1, 2])
    assert list(order) == [3, 1, 2] and order == [3, 1, 2] and order == RecordOrder([3, 1, 2])
    assert order != RecordOrder([1, 2, 3])
    assert order.chunk(1, 5) == [1, 2] and order.at(0) == 3
    assert all(type(r) is int for r in order.chunk(0, 3))  # plain ints, for SQL parameters
    assert not RecordOrder([]) and RecordOrder([]).places([1], 0) == [0]


def test_an_order_survives_a_trip_to_another_process() -> None:
    order = RecordOrder(range(100_000, 0, -1))
    copied = pickle.loads(pickle.dumps(order))
    assert copied == order and copied.place(1, -1) == 99_999

#!/usr/bin/env python3
"""Checks that money and stock are conserved: from the events and the results the engine
gave them, every accepted topup adds to some balance, every accepted order moves its total
from a balance to spent and its quantities out of stock. So
    sum of balances + spent == sum of accepted topups
    remain of each item == accepted additions - accepted orders of it
must hold of the exported state, whatever crashed on the way.
    conservation.py EVENTS.jsonl RESULTS EXPORT   (RESULTS: '<position> <reason>' lines)
"""
import json
import sys


def main(events_path, results_path, export_path):
    with open(results_path) as f:
        reasons = [line.split()[1] for line in f]
    topups = spent = 0
    price = {}
    remain = {}
    with open(events_path) as f:
        for index, line in enumerate(f):
            if index >= len(reasons):
                sys.exit(f"conservation: {len(reasons)} results for more events")
            if reasons[index] != "accepted":
                continue
            event = json.loads(line)
            if event["type"] == "topup":
                topups += event["amount"]
            elif event["type"] == "add_item":
                sku = event["item_id"]
                if event.get("price") is not None:
                    price[sku] = event["price"]
                remain[sku] = remain.get(sku, 0) + event["count"]
            elif event["type"] == "order":
                for order_line in event["lines"]:
                    sku = order_line["item_id"]
                    spent += price[sku] * order_line["quantity"]
                    remain[sku] -= order_line["quantity"]
    balances = 0
    exported_remain = {}
    with open(export_path) as f:
        for line in f:
            row = json.loads(line)
            if "user_id" in row:
                balances += row["balance"]
            else:
                exported_remain[row["item_id"]] = row["remain"]
    if balances + spent != topups:
        sys.exit(f"conservation: balances {balances} + spent {spent} != topups {topups}")
    if exported_remain != remain:
        wrong = sorted(k for k in set(remain) | set(exported_remain)
                       if remain.get(k) != exported_remain.get(k))
        sys.exit(f"conservation: stock differs for items {wrong[:5]}")
    print(f"balances {balances} + spent {spent} == topups {topups}")


if __name__ == "__main__":
    main(*sys.argv[1:])

"""The engine on hand-made contact tables: exact routing decisions and accounting."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.engine import (ABANDONED, ANSWERED, BUSY_S, N_STATS, NO_SKILL, OFFERED,
                               UNANSWERED, WAIT_S, WITHIN, run_replication)


def run(rows, planned, rank, by_plan, n_ch=2, conc=(1, 1), answer_s=(20.0, 20.0),
        interval_s=900.0):
    """Run one replication; every contact belongs to channel 0."""
    cont = np.array(rows, float).reshape(-1, 4)
    planned = np.asarray(planned, np.int8)
    rank = np.asarray(rank, np.int64)
    order = np.argsort(rank, axis=1).astype(np.int64)
    order[np.take_along_axis(rank, order, axis=1) >= NO_SKILL] = -1
    conc = np.asarray(conc, np.int64)
    stats = np.zeros((n_ch, planned.shape[1], N_STATS))
    lo = np.array([0, len(cont)], np.int64)
    hi = np.array([len(cont), len(cont)], np.int64)
    run_replication(cont, lo, hi, planned, rank, order, conc, np.ones((n_ch, conc.max())),
                    np.asarray(answer_s, float), by_plan, interval_s, stats)
    return stats


# agent 0 planned on channel 0, agent 1 planned on channel 1; both skilled in channel 0 only
PLANNED = [[0, 0], [1, 1]]
RANK = [[1, NO_SKILL], [1, NO_SKILL]]
ROWS = [[10.0, 5.0, np.inf, 0], [20.0, 7.0, np.inf, 0], [30.0, 1.0, np.inf, 0]]


def test_longest_idle_agent_takes_the_contact():
    """Equal skills: contact 2 goes to agent 1 (idle since 0), contact 3 to agent 0."""
    stats = run(ROWS, PLANNED, RANK, by_plan=False)
    busy_by_plan = stats[:, 0, BUSY_S]
    np.testing.assert_allclose(busy_by_plan, [5.0 + 1.0, 7.0])
    assert stats[0, 0, OFFERED] == 3 and stats[0, 0, ANSWERED] == 3
    assert stats[0, 0, WAIT_S] == 0 and stats[0, 0, WITHIN] == 3


def test_planned_routing_prefers_agents_planned_on_the_channel():
    stats = run(ROWS, PLANNED, RANK, by_plan=True)
    np.testing.assert_allclose(stats[:, 0, BUSY_S], [13.0, 0.0])


def test_fifo_wait_abandonment_and_end_of_day():
    """One agent: a queue forms, one caller abandons, the last is still waiting at close."""
    rows = [[0.0, 100.0, np.inf, 0],    # served 0..100
            [10.0, 50.0, 30.0, 0],      # gives up at 40
            [20.0, 50.0, np.inf, 0],    # served 100..150, waits 80
            [1000.0, 10.0, np.inf, 1]]  # arrives in interval 1 when nobody works
    stats = run(rows, [[0, -1]], [[1, NO_SKILL]], by_plan=True)
    s = stats[0]
    assert s[0, OFFERED] == 3 and s[0, ANSWERED] == 2 and s[0, ABANDONED] == 1
    assert s[0, WAIT_S] == pytest.approx(80.0) and s[0, WITHIN] == 1
    assert s[1, OFFERED] == 1 and s[1, UNANSWERED] == 1 and s[1, ANSWERED] == 0
    assert s[0, BUSY_S] == pytest.approx(150.0)


def test_agent_leaving_finishes_contact_and_busy_counts_on_duty_only():
    rows = [[800.0, 300.0, np.inf, 0], [850.0, 10.0, np.inf, 0]]
    stats = run(rows, [[0, -1, -1]], [[1, NO_SKILL]], by_plan=True)
    s = stats[0]
    assert s[0, ANSWERED] == 1 and s[0, UNANSWERED] == 1   # no new contact after shift
    assert s[0, BUSY_S] == pytest.approx(100.0)             # 800..900 on duty only


def test_chat_agent_holds_k_contacts():
    rows = [[0.0, 100.0, np.inf, 0], [1.0, 100.0, np.inf, 0], [2.0, 100.0, np.inf, 0]]
    stats = run(rows, [[0]], [[1, NO_SKILL]], by_plan=True, conc=(2, 1))
    s = stats[0, 0]
    assert s[ANSWERED] == 3 and s[WAIT_S] == pytest.approx(98.0)   # third waits for a slot
    # slot-weighted busy: 1/2 on 0..1, 2/2 on 1..100, 2/2 on 100..101, 1/2 on 101..200
    assert s[BUSY_S] == pytest.approx(0.5 + 99 + 1 + 0.5 * 99)


def run_two_channels(rows0, rows1, planned, rank, by_plan, deferred_order):
    """Channel 0 realtime, channel 1 deferred (pull order puts channel 1 last)."""
    cont = np.array(rows0 + rows1, float).reshape(-1, 4)
    planned = np.asarray(planned, np.int8)
    rank = np.asarray(rank, np.int64)
    order = np.asarray(deferred_order, np.int64)
    stats = np.zeros((2, planned.shape[1], N_STATS))
    lo = np.array([0, len(rows0)], np.int64)
    hi = np.array([len(rows0), len(rows0) + len(rows1)], np.int64)
    run_replication(cont, lo, hi, planned, rank, order, np.ones(2, np.int64), np.ones((2, 1)),
                    np.array([20.0, 3600.0]), by_plan, 900.0, stats)
    return stats


PHONE_ROWS = [[0.0, 100.0, np.inf, 0], [5.0, 100.0, np.inf, 0], [6.0, 100.0, np.inf, 0]]
EMAIL_ROWS = [[1.0, 50.0, np.inf, 0]]


@pytest.mark.parametrize("by_plan", [False, True])
def test_email_waits_while_a_call_waits(by_plan):
    """One phone:1/email:2 agent planned on phone: the email waits until no call waits."""
    stats = run_two_channels(PHONE_ROWS, EMAIL_ROWS, [[0]], [[1, 2]], by_plan, [[0, 1]])
    assert stats[1, 0, ANSWERED] == 1
    assert stats[1, 0, WAIT_S] == pytest.approx(300.0 - 1.0)   # after the three calls
    assert stats[0, 0, WAIT_S] == pytest.approx((100 - 5) + (200 - 6))


def test_agent_planned_on_email_serves_email_first():
    stats = run_two_channels(PHONE_ROWS, EMAIL_ROWS, [[1]], [[1, 2]], True, [[0, 1]])
    assert stats[1, 0, WAIT_S] == pytest.approx(100.0 - 1.0)   # right after the first call
    assert stats[0, 0, WAIT_S] == pytest.approx((150 - 5) + (250 - 6))


def test_concurrency_stretch_applies_to_the_mth_contact():
    rows = [[0.0, 100.0, np.inf, 0], [1.0, 100.0, np.inf, 0]]
    cont = np.array(rows, float)
    stats = np.zeros((1, 1, N_STATS))
    run_replication(cont, np.array([0]), np.array([2]), np.zeros((1, 1), np.int8),
                    np.ones((1, 1), np.int64), np.zeros((1, 1), np.int64),
                    np.array([2], np.int64), np.array([[1.0, 1.5]]), np.array([20.0]), True,
                    900.0, stats)
    # first chat 0..100 alone-started, second starts as 2nd in hand: 1..151
    assert stats[0, 0, BUSY_S] == pytest.approx(0.5 * 1 + 1.0 * 99 + 0.5 * 51)

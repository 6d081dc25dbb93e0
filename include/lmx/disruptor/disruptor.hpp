#pragma once
// Everything in lmx's Disruptor, for code that wires a whole topology. Code that needs one
// piece should include that piece's header. docs/DISRUPTOR.md shows how the parts fit.

#include "lmx/disruptor/batch_event_processor.hpp"
#include "lmx/disruptor/blocking_wait_strategy.hpp"
#include "lmx/disruptor/busy_spin_wait_strategy.hpp"
#include "lmx/disruptor/event_poller.hpp"
#include "lmx/disruptor/exception_policy.hpp"
#include "lmx/disruptor/limits.hpp"
#include "lmx/disruptor/multi_producer_sequencer.hpp"
#include "lmx/disruptor/ring_buffer.hpp"
#include "lmx/disruptor/single_producer_sequencer.hpp"
#include "lmx/disruptor/sleeping_wait_strategy.hpp"
#include "lmx/disruptor/timeout_blocking_wait_strategy.hpp"
#include "lmx/disruptor/topology.hpp"
#include "lmx/disruptor/yielding_wait_strategy.hpp"

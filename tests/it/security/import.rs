//! Security cases: import (being written).

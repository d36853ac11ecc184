//! The response body type: a full buffer, or one that breaks the connection
//! halfway through (an injected connection reset).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

#[derive(Debug)]
pub struct FakeBody {
    data: Option<Bytes>,
    len: u64,
    reset: bool,
}

impl FakeBody {
    pub fn full(data: impl Into<Bytes>) -> Self {
        let data = data.into();
        Self {
            len: data.len() as u64,
            data: Some(data),
            reset: false,
        }
    }

    /// Sends the first half of `data`, then fails so the connection is dropped.
    pub fn reset_midway(data: impl Into<Bytes>) -> Self {
        Self {
            reset: true,
            ..Self::full(data)
        }
    }
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(d) = self.data.take() {
            let chunk = if self.reset {
                d.slice(..d.len() / 2)
            } else {
                d
            };
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if self.reset {
            self.reset = false;
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "injected connection reset",
            ))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.reset
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

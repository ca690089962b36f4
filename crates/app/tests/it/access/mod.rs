//! Access: signing in, sessions and lockout.

mod signin;

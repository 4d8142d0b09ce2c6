"""Password hashing, JWTs and the Passport-style local strategy."""

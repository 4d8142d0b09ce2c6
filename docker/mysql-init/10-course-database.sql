-- Run once by the mysql image when its volume is new: a second database for the `lab` service.
-- The course drops and recreates the kit's tables in the database it is given, so it must not
-- share `cqrs_auth` with the `api` service.
CREATE DATABASE IF NOT EXISTS cqrs_auth_course CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON cqrs_auth_course.* TO 'kit'@'%';

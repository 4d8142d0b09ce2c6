from cqrs_auth import CreateUserCommand, GetUserQuery


def test_a_signed_up_user_can_be_read_back_through_the_query_bus(app):
    password = "correct horse battery staple"
    user = app.command_bus.execute(CreateUserCommand("ada", "ada@example.org", password, password))
    assert app.query_bus.execute(GetUserQuery(user.user_id)) == user

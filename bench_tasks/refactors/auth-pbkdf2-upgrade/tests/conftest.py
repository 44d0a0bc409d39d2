import pytest


@pytest.fixture
def store():
    from authkit import MemoryUserStore

    return MemoryUserStore()


@pytest.fixture
def seed(store):
    from authkit import UserRecord

    def put(username, password_hash, **extra):
        store.put(UserRecord(username=username, password_hash=password_hash, **extra))

    return put

# code left out of the fixture
